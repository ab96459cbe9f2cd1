#include <cstdio>
#include <vector>

int main() {
    static std::vector<int> g[5000];
    g[7].push_back(1);
    printf("%zu\n", g[7].size());
}
