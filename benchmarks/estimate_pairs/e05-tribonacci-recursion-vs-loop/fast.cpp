#include <bits/stdc++.h>
using namespace std;

int main() {
    int n; scanf("%d", &n);
    long long a = 0, b = 0, c = 1;
    if (n < 3) { printf("%d\n", n == 2); return 0; }
    for (int i = 3; i <= n; i++) { long long d = (a + b + c) % 1000000007; a = b; b = c; c = d; }
    printf("%lld\n", c);
}
