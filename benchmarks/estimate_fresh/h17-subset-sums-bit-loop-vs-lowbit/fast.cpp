#include <bits/stdc++.h>
using namespace std;

// Count subsets whose sum lies in [lo, hi]: each mask's sum is a smaller mask's plus one element.
int main() {
    int n;
    long long lo, hi;
    scanf("%d %lld %lld", &n, &lo, &hi);
    vector<long long> a(n);
    for (int i = 0; i < n; i++) scanf("%lld", &a[i]);
    vector<long long> sum(1 << n, 0);
    long long count = 0, best = -1;
    if (lo <= 0 && 0 <= hi) { count = 1; best = 0; }
    for (int mask = 1; mask < (1 << n); mask++) {
        sum[mask] = sum[mask & (mask - 1)] + a[__builtin_ctz(mask)];
        if (sum[mask] >= lo && sum[mask] <= hi) {
            count++;
            best = max(best, sum[mask]);
        }
    }
    printf("%lld %lld\n", count, best);
    return 0;
}
