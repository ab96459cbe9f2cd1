#include <bits/stdc++.h>
using namespace std;

int main() {
    long long lo, hi; scanf("%lld %lld", &lo, &hi);
    long long squares = 0, rootsum = 0;
    for (long long x = lo; x <= hi; x++) {
        long long r = (long long)sqrt((double)x);
        while (r * r > x) r--;
        while ((r + 1) * (r + 1) <= x) r++;
        rootsum += r;
        if (r * r == x) squares++;
    }
    printf("%lld %lld\n", squares, rootsum);
}
