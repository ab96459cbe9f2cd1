#include <bits/stdc++.h>
using namespace std;

int main() {
    int n;
    scanf("%d", &n);
    long long total = 0;
    for (int i = 0; i < n; i++) {
        long long x;
        scanf("%lld", &x);
        int k = 63 - __builtin_clzll((unsigned long long)x);
        total += 1LL << k;
        printf("%d%c", k, i + 1 == n ? '\n' : ' ');
    }
    printf("%lld\n", total);
}
