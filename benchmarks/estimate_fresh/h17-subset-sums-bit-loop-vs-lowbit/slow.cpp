#include <bits/stdc++.h>
using namespace std;

// Count subsets whose sum lies in [lo, hi]: add up every mask's bits from scratch.
int main() {
    int n;
    long long lo, hi;
    scanf("%d %lld %lld", &n, &lo, &hi);
    vector<long long> a(n);
    for (int i = 0; i < n; i++) scanf("%lld", &a[i]);
    long long count = 0, best = -1;
    for (int mask = 0; mask < (1 << n); mask++) {
        long long sum = 0;
        for (int i = 0; i < n; i++)
            if (mask >> i & 1) sum += a[i];
        if (sum >= lo && sum <= hi) {
            count++;
            best = max(best, sum);
        }
    }
    printf("%lld %lld\n", count, best);
    return 0;
}
