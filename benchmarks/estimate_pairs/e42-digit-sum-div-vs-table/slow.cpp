#include <bits/stdc++.h>
using namespace std;

int main() {
    long long lo, hi; scanf("%lld %lld", &lo, &hi); long long s = 0;
    for (long long x = lo; x <= hi; x++) { long long y = x; while (y) { s += y % 10; y /= 10; } }
    printf("%lld\n", s);
}
