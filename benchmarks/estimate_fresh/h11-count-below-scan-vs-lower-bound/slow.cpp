#include <bits/stdc++.h>
using namespace std;

// For each query x: how many array values are strictly below x.
int main() {
    int n, q;
    scanf("%d %d", &n, &q);
    vector<int> a(n);
    for (int i = 0; i < n; i++) scanf("%d", &a[i]);
    long long total = 0;
    for (int k = 0; k < q; k++) {
        int x;
        scanf("%d", &x);
        int cnt = 0;
        for (int i = 0; i < n; i++)
            if (a[i] < x) cnt++;
        total += (long long)cnt * (k + 1);
        if (k < 5) printf("%d\n", cnt);
    }
    printf("%lld\n", total);
    return 0;
}
