#include <cstdio>
#include <vector>
using namespace std;

int main() {
    int n;
    scanf("%d", &n);
    vector<vector<int>> g(n, vector<int>(n));
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) g[i][j] = (i * 31 + j * 17) % 101;
    long long weighted = 0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) weighted += 1LL * g[i][j] * (i + 1);
    printf("%lld\n", weighted);
    return 0;
}
