#include <algorithm>
#include <cstdio>
#include <vector>
using namespace std;

int main() {
    int n, cap;
    scanf("%d %d", &n, &cap);
    vector<int> weight(n), value(n);
    for (int i = 0; i < n; i++) scanf("%d %d", &weight[i], &value[i]);
    vector<vector<long long>> dp(n + 1, vector<long long>(cap + 1, 0));
    for (int i = 1; i <= n; i++)
        for (int c = 0; c <= cap; c++) {
            dp[i][c] = dp[i - 1][c];
            if (c >= weight[i - 1])
                dp[i][c] = max(dp[i][c], dp[i - 1][c - weight[i - 1]] + value[i - 1]);
        }
    printf("%lld\n", dp[n][cap]);
    return 0;
}
