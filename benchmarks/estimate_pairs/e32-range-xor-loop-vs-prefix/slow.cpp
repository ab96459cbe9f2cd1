#include <bits/stdc++.h>
using namespace std;

int main() {
    int n, q; scanf("%d %d", &n, &q); vector<unsigned> a(n); for (auto &x : a) scanf("%u", &x);
    unsigned long long t = 0;
    while (q--) { int l, r; scanf("%d %d", &l, &r); unsigned x = 0; for (int i = l; i <= r; i++) x ^= a[i]; t += x; }
    printf("%llu\n", t);
}
