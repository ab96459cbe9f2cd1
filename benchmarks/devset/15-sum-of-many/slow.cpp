#include <iostream>
using namespace std;

int main() {
    int n;
    cin >> n;
    long long sum = 0, mx = -1;
    for (int i = 0; i < n; i++) {
        long long x;
        cin >> x;
        sum += x;
        if (x > mx) mx = x;
    }
    cout << sum << " " << mx << endl;
    return 0;
}
