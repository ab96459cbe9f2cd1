#include <bits/stdc++.h>
using namespace std;
typedef long long ll;

int main() {
    int n;
    scanf("%d", &n);
    ll best = LLONG_MIN, cur = 0;
    for (int i = 0; i < n; i++) {
        ll x;
        scanf("%lld", &x);
        cur = max(cur + x, x);
        best = max(best, cur);
    }
    printf("%lld\n", best);
    return 0;
}
