#include <bits/stdc++.h>
using namespace std;

int main() {
    int q; scanf("%d", &q);
    while (q--) { long long n; scanf("%lld", &n); long long a = 0, b = 1;
        for (long long i = 0; i < n; i++) { long long c = (a + b) % 1000000007; a = b; b = c; } printf("%lld\n", a); }
}
