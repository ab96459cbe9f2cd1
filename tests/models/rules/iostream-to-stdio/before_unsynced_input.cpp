#include <cstdio>
#include <iostream>
using namespace std;

int main() {
    cin.tie(0);
    ios::sync_with_stdio(false);
    long long n, k;
    cin >> n >> k;  // only cin reads stdin and only printf writes: no order to keep
    long long count = 0;
    for (long long b = k + 1; b <= n; b++) count += (n / b) * (b - k) + max(0LL, n % b - k + 1);
    printf("%lld\n", count);
}
