#include <bits/stdc++.h>
using namespace std;

// Count subarrays whose sum is divisible by k, trying every start and end.
int main() {
    int n, k;
    scanf("%d %d", &n, &k);
    vector<long long> a(n);
    for (int i = 0; i < n; i++) scanf("%lld", &a[i]);
    long long count = 0;
    for (int i = 0; i < n; i++) {
        long long sum = 0;
        for (int j = i; j < n; j++) {
            sum += a[j];
            if (sum % k == 0) count++;
        }
    }
    printf("%lld\n", count);
    return 0;
}
