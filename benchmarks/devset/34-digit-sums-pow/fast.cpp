#include <bits/stdc++.h>
using namespace std;

int main() {
    int n;
    scanf("%d", &n);
    long long total = 0;
    for (int i = 0; i < n; i++) {
        long long x;
        scanf("%lld", &x);
        while (x > 0) total += x % 10, x /= 10;
    }
    printf("%lld\n", total);
}
