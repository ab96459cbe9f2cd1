#include <bits/stdc++.h>
using namespace std;

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
        acc += lower_bound(a.begin(), a.end(), x) - a.begin();
    }
    printf("%lld\n", acc);
}
