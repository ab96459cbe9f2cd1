#include <cstdio>
#include <vector>
using namespace std;

int main() {
    int h, w, q;
    scanf("%d %d %d", &h, &w, &q);
    vector<vector<long long>> p(h + 1, vector<long long>(w + 1, 0));
    for (int r = 1; r <= h; r++)
        for (int c = 1; c <= w; c++) {
            int x;
            scanf("%d", &x);
            p[r][c] = x + p[r - 1][c] + p[r][c - 1] - p[r - 1][c - 1];
        }
    while (q--) {
        int r1, c1, r2, c2;
        scanf("%d %d %d %d", &r1, &c1, &r2, &c2);
        r2++, c2++;
        printf("%lld\n", p[r2][c2] - p[r1][c2] - p[r2][c1] + p[r1][c1]);
    }
    return 0;
}
