#include <bits/stdc++.h>
using namespace std;

long long p[505][505];

int main() {
    int h, w, q;
    scanf("%d%d%d", &h, &w, &q);
    for (int i = 1; i <= h; i++)
        for (int j = 1; j <= w; j++) {
            int x;
            scanf("%d", &x);
            p[i][j] = x + p[i - 1][j] + p[i][j - 1] - p[i - 1][j - 1];
        }
    while (q--) {
        int r1, c1, r2, c2;
        scanf("%d%d%d%d", &r1, &c1, &r2, &c2);
        printf("%lld\n", p[r2][c2] - p[r1 - 1][c2] - p[r2][c1 - 1] + p[r1 - 1][c1 - 1]);
    }
}
