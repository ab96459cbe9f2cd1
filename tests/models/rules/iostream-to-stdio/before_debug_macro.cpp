#include <iostream>
using namespace std;
#define dbg(x) cout << #x << " = " << (x) << endl  // never used here

long long w[40];

int main() {
    int n;
    cin >> n;
    long long best = 0;
    for (int i = 0; i < n; i++) {
        cin >> w[i];
        if (w[i] > best) best = w[i];
    }
    cout << best << '\n';
}
