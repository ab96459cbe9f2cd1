#include <bits/stdc++.h>
using namespace std;

struct Rec { long long key; char pad[120]; };
int main() {
    int n, rounds; scanf("%d %d", &n, &rounds); vector<Rec> v(n);
    for (int i = 0; i < n; i++) { v[i].key = (i * 2654435761LL) % 1000; v[i].pad[0] = i; }
    long long s = 0; for (int r = 0; r < rounds; r++) for (auto &x : v) s += x.key * (r + 1);
    printf("%lld\n", s);
}
