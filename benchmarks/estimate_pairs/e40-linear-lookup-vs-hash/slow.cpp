#include <bits/stdc++.h>
using namespace std;

int main() {
    int n, q; scanf("%d %d", &n, &q); vector<pair<int,int>> kv(n); for (auto &[k, v] : kv) scanf("%d %d", &k, &v);
    long long s = 0;
    while (q--) { int k; scanf("%d", &k); for (auto &[a, b] : kv) if (a == k) { s += b; break; } }
    printf("%lld\n", s);
}
