#include <cstdio>
#include <vector>
std::vector<int> g[5000];
#define ALL_OF(i) g + (i)

int main() {
    g[7].push_back(1);
    printf("%zu\n", g[7].size());
}
