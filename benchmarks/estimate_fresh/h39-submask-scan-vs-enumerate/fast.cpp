#include <bits/stdc++.h>
using namespace std;

// Each test: n items with weights; for every mask, the number of its submasks whose
// weight is at most half the mask's weight; print the total and the best mask.
int main() {
    int tests;
    scanf("%d", &tests);
    for (int tc = 0; tc < tests; tc++) {
        int n;
        scanf("%d", &n);
        vector<int> w(n);
        for (auto& x : w) scanf("%d", &x);
        int full = 1 << n;
        vector<int> weight(full, 0);
        for (int m = 1; m < full; m++) {
            int low = __builtin_ctz(m);
            weight[m] = weight[m & (m - 1)] + w[low];
        }
        long long total = 0;
        int bestMask = 0, bestCount = -1;
        for (int mask = 0; mask < full; mask++) {
            int cnt = 0;
            // walk only the submasks of mask, the empty one included
            for (int sub = mask;; sub = (sub - 1) & mask) {
                if (2 * weight[sub] <= weight[mask]) cnt++;
                if (sub == 0) break;
            }
            total += cnt;
            if (cnt > bestCount) { bestCount = cnt; bestMask = mask; }
        }
        printf("%lld %d %d\n", total, bestMask, bestCount);
    }
    return 0;
}
