#include <bits/stdc++.h>
using namespace std;

int main() {
    long long n, k, m;
    scanf("%lld %lld %lld", &n, &k, &m);
    unsigned km = (unsigned)(k % m), mm = (unsigned)m, r = 0;
    long long s = 0;
    for (long long i = 1; i <= n; i++) {
        r += km;
        if (r >= mm) r -= mm;
        s += r;
    }
    printf("%lld\n", s);
}
