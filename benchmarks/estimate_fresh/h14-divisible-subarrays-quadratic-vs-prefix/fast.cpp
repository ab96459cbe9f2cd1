#include <bits/stdc++.h>
using namespace std;

// Count subarrays whose sum is divisible by k: equal prefix remainders pair up.
int main() {
    int n, k;
    scanf("%d %d", &n, &k);
    vector<long long> seen(k, 0);
    seen[0] = 1;
    long long count = 0, rem = 0;
    for (int i = 0; i < n; i++) {
        long long x;
        scanf("%lld", &x);
        rem = (rem + x % k) % k;
        count += seen[rem]++;
    }
    printf("%lld\n", count);
    return 0;
}
