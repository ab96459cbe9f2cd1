#include <cstdio>
#include <vector>
std::vector<int> g[5000];

int main() {
    g[7].push_back(1);
    size_t total = 0;
    for (auto& row : g) total += row.size();
    printf("%zu\n", total);
}
