#include <bits/stdc++.h>
using namespace std;

// Count N-queens placements: reject a queen as soon as its column or diagonal is taken.
int n;
int col[16];
bool usedCol[16], usedD1[32], usedD2[32];
long long solutions = 0, checksum = 0;

void place(int row) {
    if (row == n) {
        solutions++;
        long long h = 0;
        for (int i = 0; i < n; i++) h = h * 31 + col[i];
        checksum ^= h;
        return;
    }
    for (int c = 0; c < n; c++) {
        if (usedCol[c] || usedD1[row + c] || usedD2[row - c + n]) continue;
        usedCol[c] = usedD1[row + c] = usedD2[row - c + n] = true;
        col[row] = c;
        place(row + 1);
        usedCol[c] = usedD1[row + c] = usedD2[row - c + n] = false;
    }
}

int main() {
    scanf("%d", &n);
    place(0);
    printf("%lld %lld\n", solutions, checksum);
    return 0;
}
