#include <bits/stdc++.h>
using namespace std;

// Sort, then walk two pointers inwards.
int main() {
    int n;
    long long limit;
    scanf("%d %lld", &n, &limit);
    vector<long long> a(n);
    for (int i = 0; i < n; i++) scanf("%lld", &a[i]);
    sort(a.begin(), a.end());
    long long pairs = 0;
    int lo = 0, hi = n - 1;
    while (lo < hi) {
        if (a[lo] + a[hi] <= limit) {
            pairs += hi - lo;
            lo++;
        } else {
            hi--;
        }
    }
    printf("%lld\n", pairs);
    return 0;
}
