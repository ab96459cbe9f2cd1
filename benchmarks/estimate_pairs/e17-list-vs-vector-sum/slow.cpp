#include <bits/stdc++.h>
using namespace std;

int main() {
    int n, rounds; scanf("%d %d", &n, &rounds); list<long long> l;
    for (int i = 0; i < n; i++) { long long x; scanf("%lld", &x); if (i % 2) l.push_back(x); else l.push_front(x); }
    long long s = 0; for (int r = 0; r < rounds; r++) for (long long x : l) s += x ^ r;
    printf("%lld\n", s);
}
