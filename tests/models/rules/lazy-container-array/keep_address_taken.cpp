#include <cstdio>
#include <vector>
std::vector<int> g[5000];

int main() {
    std::vector<int>* first = &g[0];
    first[3].push_back(1);  // reaches g[3] without naming it
    printf("%zu\n", g[3].size());
}
