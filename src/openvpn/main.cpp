// main.cpp: argv -> Options -> the daemon. The only place that exits.
#include <cstdio>
#include <cstring>

int main(int argc, char** argv)
{
    if (argc > 1 && std::strcmp(argv[1], "--version") == 0) {
        std::printf("OpenVPN 2.6.14 (openvpn-ng) x86_64-pc-linux-gnu\n");
        return 0;
    }
    std::fprintf(stderr, "openvpn: not implemented yet\n");
    return 1;
}
