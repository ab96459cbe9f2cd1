#include <bits/stdc++.h>
using namespace std;

int main() {
    int n, rounds; scanf("%d %d", &n, &rounds); vector<long long> key(n);
    for (int i = 0; i < n; i++) key[i] = (i * 2654435761LL) % 1000;
    long long s = 0; for (int r = 0; r < rounds; r++) for (auto k : key) s += k * (r + 1);
    printf("%lld\n", s);
}
