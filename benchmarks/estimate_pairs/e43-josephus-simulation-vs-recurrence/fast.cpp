#include <bits/stdc++.h>
using namespace std;

int main() {
    int n, k; scanf("%d %d", &n, &k); int r = 0;
    for (int m = 2; m <= n; m++) r = (r + k) % m;
    printf("%d\n", r + 1);
}
