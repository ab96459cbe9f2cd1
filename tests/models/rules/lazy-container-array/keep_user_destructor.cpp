#include <cstdio>
#include <vector>
struct Loud {
    int x;
    ~Loud() { printf("bye %d\n", x); }
};
std::vector<Loud> g[5000];

int main() {
    g[7].push_back(Loud{1});
    printf("%zu\n", g[7].size());
}
