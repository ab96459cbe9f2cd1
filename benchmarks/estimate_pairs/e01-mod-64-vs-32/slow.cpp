#include <bits/stdc++.h>
using namespace std;

int main() {
    long long n, k, m;
    scanf("%lld %lld %lld", &n, &k, &m);
    long long s = 0;
    for (long long i = 1; i <= n; i++) s += (i * k) % m;
    printf("%lld\n", s);
}
