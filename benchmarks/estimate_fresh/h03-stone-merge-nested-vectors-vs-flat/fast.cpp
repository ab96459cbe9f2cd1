#include <bits/stdc++.h>
using namespace std;

const int MAXN = 256;
long long dp[MAXN][MAXN];
long long pre[MAXN + 1];

// Same interval DP on a static flat array; the inner loop reads row i and column j.
int main() {
    int n;
    scanf("%d", &n);
    for (int i = 0; i < n; i++) {
        long long x;
        scanf("%lld", &x);
        pre[i + 1] = pre[i] + x;
    }
    for (int i = n - 1; i >= 0; i--) {
        for (int j = i + 1; j < n; j++) {
            long long best = LLONG_MAX;
            for (int k = i; k < j; k++) {
                long long v = dp[i][k] + dp[k + 1][j];
                if (v < best) best = v;
            }
            dp[i][j] = best + pre[j + 1] - pre[i];
        }
    }
    printf("%lld\n", dp[0][n - 1]);
    return 0;
}
