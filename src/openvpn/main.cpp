// main.cpp: the only place that exits the process; everything else is app::run.
#include "openvpn/app/app.hpp"

int main(int argc, char** argv)
{
    return ovpn::app::run(argc, argv);
}
