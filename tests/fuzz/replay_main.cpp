// Replays every file of a fuzz corpus through LLVMFuzzerTestOneInput, so that
// CI runs the corpora without clang's libFuzzer. Exits non-zero when the corpus
// folder is missing or empty: a replay that replays nothing must not pass.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
        return 2;
    }
    std::error_code ec;
    std::size_t count = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(argv[1], ec)) {
        if (!entry.is_regular_file())
            continue;
        std::ifstream in(entry.path(), std::ios::binary);
        std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                        std::istreambuf_iterator<char>());
        LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
        ++count;
    }
    if (ec || count == 0) {
        std::fprintf(stderr, "no corpus files under %s\n", argv[1]);
        return 1;
    }
    std::printf("replayed %zu inputs from %s\n", count, argv[1]);
    return 0;
}
