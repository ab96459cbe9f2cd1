#include <bits/stdc++.h>
using namespace std;

// Sort the scores, then print the median and a position-weighted checksum.
int main() {
    int n;
    scanf("%d", &n);
    vector<int> a(n);
    for (int i = 0; i < n; i++) scanf("%d", &a[i]);
    for (int i = 1; i < n; i++) {
        int key = a[i], j = i - 1;
        while (j >= 0 && a[j] > key) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = key;
    }
    long long check = 0;
    for (int i = 0; i < n; i++) check = (check * 131 + a[i]) % 1000000007;
    printf("%d %lld\n", a[n / 2], check);
    return 0;
}
