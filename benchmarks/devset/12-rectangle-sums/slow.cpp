#include <bits/stdc++.h>
using namespace std;

int g[505][505];

int main() {
    int h, w, q;
    scanf("%d%d%d", &h, &w, &q);
    for (int i = 1; i <= h; i++)
        for (int j = 1; j <= w; j++) scanf("%d", &g[i][j]);
    while (q--) {
        int r1, c1, r2, c2;
        scanf("%d%d%d%d", &r1, &c1, &r2, &c2);
        long long s = 0;
        for (int i = r1; i <= r2; i++)
            for (int j = c1; j <= c2; j++) s += g[i][j];
        printf("%lld\n", s);
    }
}
