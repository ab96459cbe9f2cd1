#include <bits/stdc++.h>
using namespace std;

// Minimum total cost to merge adjacent piles into one (interval DP).
int main() {
    int n;
    scanf("%d", &n);
    vector<long long> a(n), pre(n + 1, 0);
    for (int i = 0; i < n; i++) {
        scanf("%lld", &a[i]);
        pre[i + 1] = pre[i] + a[i];
    }
    vector<vector<long long>> dp(n, vector<long long>(n, 0));
    for (int len = 2; len <= n; len++) {
        for (int i = 0; i + len - 1 < n; i++) {
            int j = i + len - 1;
            long long best = LLONG_MAX;
            for (int k = i; k < j; k++) {
                best = min(best, dp[i][k] + dp[k + 1][j]);
            }
            dp[i][j] = best + pre[j + 1] - pre[i];
        }
    }
    printf("%lld\n", dp[0][n - 1]);
    return 0;
}
