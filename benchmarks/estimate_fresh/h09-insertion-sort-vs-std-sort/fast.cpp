#include <bits/stdc++.h>
using namespace std;

// Sort the scores, then print the median and a position-weighted checksum.
int main() {
    int n;
    scanf("%d", &n);
    vector<int> a(n);
    for (int i = 0; i < n; i++) scanf("%d", &a[i]);
    sort(a.begin(), a.end());
    long long check = 0;
    for (int i = 0; i < n; i++) check = (check * 131 + a[i]) % 1000000007;
    printf("%d %lld\n", a[n / 2], check);
    return 0;
}
