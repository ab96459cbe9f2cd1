#include <bits/stdc++.h>
using namespace std;

int main() {
    int n, q; scanf("%d %d", &n, &q); vector<unsigned> p(n + 1);
    for (int i = 0; i < n; i++) { unsigned x; scanf("%u", &x); p[i + 1] = p[i] ^ x; }
    unsigned long long t = 0;
    while (q--) { int l, r; scanf("%d %d", &l, &r); t += p[r + 1] ^ p[l]; }
    printf("%llu\n", t);
}
