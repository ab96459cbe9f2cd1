#include <bits/stdc++.h>
using namespace std;

// Count pairs i < j with a[i] + a[j] <= limit.
int main() {
    int n;
    long long limit;
    scanf("%d %lld", &n, &limit);
    vector<long long> a(n);
    for (int i = 0; i < n; i++) scanf("%lld", &a[i]);
    long long pairs = 0;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (a[i] + a[j] <= limit) pairs++;
    printf("%lld\n", pairs);
    return 0;
}
