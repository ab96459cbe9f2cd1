#include <bits/stdc++.h>
using namespace std;

int main() {
    int n, k;
    scanf("%d %d", &n, &k);
    int count = 0, palins = 0;
    for (int i = 1; i <= n; i++) {
        int ds = 0, rev = 0;
        for (int x = i; x > 0; x /= 10) {
            ds += x % 10;
            rev = rev * 10 + x % 10;
        }
        count += ds % k == 0;
        palins += rev == i;
    }
    printf("%d %d\n", count, palins);
}
