#include <bits/stdc++.h>
using namespace std;

int n;
int d[16][16];
int dp[1 << 16][16];

// Held-Karp: dp[mask][v] = cheapest path from 0 through mask ending at v.
int main() {
    scanf("%d", &n);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) scanf("%d", &d[i][j]);
    int full = 1 << n;
    for (int m = 0; m < full; m++)
        for (int v = 0; v < n; v++) dp[m][v] = INT_MAX / 2;
    dp[1][0] = 0;
    for (int m = 1; m < full; m += 2) {
        for (int v = 0; v < n; v++) {
            if (!(m >> v & 1) || dp[m][v] >= INT_MAX / 2) continue;
            int cur = dp[m][v];
            for (int u = 0; u < n; u++) {
                if (m >> u & 1) continue;
                int nm = m | (1 << u);
                if (cur + d[v][u] < dp[nm][u]) dp[nm][u] = cur + d[v][u];
            }
        }
    }
    int best = INT_MAX;
    for (int v = 1; v < n; v++) best = min(best, dp[full - 1][v] + d[v][0]);
    if (n == 1) best = 0;
    printf("%d\n", best);
    return 0;
}
