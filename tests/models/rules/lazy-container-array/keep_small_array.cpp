#include <cstdio>
#include <vector>
std::vector<int> g[100];

int main() {
    g[7].push_back(1);
    printf("%zu\n", g[7].size());
}
