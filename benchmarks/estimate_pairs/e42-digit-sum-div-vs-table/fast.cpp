#include <bits/stdc++.h>
using namespace std;

int main() {
    long long lo, hi; scanf("%lld %lld", &lo, &hi); static int ds[10000];
    for (int i = 1; i < 10000; i++) ds[i] = ds[i / 10] + i % 10;
    long long s = 0;
    for (long long x = lo; x <= hi; x++) { long long y = x; while (y) { s += ds[y % 10000]; y /= 10000; } }
    printf("%lld\n", s);
}
