#include <bits/stdc++.h>
using namespace std;

int firstAtLeast(vector<int> v, int x) {
    int lo = 0, hi = v.size();
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (v[mid] < x) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

int main() {
    int n, q;
    scanf("%d %d", &n, &q);
    vector<int> a(n);
    for (int i = 0; i < n; i++) scanf("%d", &a[i]);
    sort(a.begin(), a.end());
    long long acc = 0;
    for (int i = 0; i < q; i++) {
        int x;
        scanf("%d", &x);
        acc += firstAtLeast(a, x);
    }
    printf("%lld\n", acc);
}
