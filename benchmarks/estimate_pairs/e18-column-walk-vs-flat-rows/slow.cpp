#include <bits/stdc++.h>
using namespace std;

int main() {
    int n; scanf("%d", &n); vector<vector<int>> g(n, vector<int>(n));
    for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) g[i][j] = (i * 7 + j * 13) % 1000;
    long long s = 0; for (int j = 0; j < n; j++) for (int i = 0; i < n; i++) s += g[i][j] * (j + 1);
    printf("%lld\n", s);
}
