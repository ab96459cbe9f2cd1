#include <bits/stdc++.h>
using namespace std;

// Sort once, then answer each query with lower_bound.
int main() {
    int n, q;
    scanf("%d %d", &n, &q);
    vector<int> a(n);
    for (int i = 0; i < n; i++) scanf("%d", &a[i]);
    sort(a.begin(), a.end());
    long long total = 0;
    for (int k = 0; k < q; k++) {
        int x;
        scanf("%d", &x);
        int cnt = lower_bound(a.begin(), a.end(), x) - a.begin();
        total += (long long)cnt * (k + 1);
        if (k < 5) printf("%d\n", cnt);
    }
    printf("%lld\n", total);
    return 0;
}
