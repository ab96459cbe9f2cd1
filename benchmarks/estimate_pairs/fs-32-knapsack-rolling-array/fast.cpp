#include <algorithm>
#include <cstdio>
#include <vector>
using namespace std;

int main() {
    int n, cap;
    scanf("%d %d", &n, &cap);
    vector<long long> dp(cap + 1, 0);
    for (int i = 0; i < n; i++) {
        int w, v;
        scanf("%d %d", &w, &v);
        for (int c = cap; c >= w; c--) dp[c] = max(dp[c], dp[c - w] + v);
    }
    printf("%lld\n", dp[cap]);
    return 0;
}
