#include <iostream>
using namespace std;

int main() {
    long long a, e, m;
    cin >> a >> e >> m;
    long long r = 1;
    while (e--) {
        r = (r * a) % m;
    }
    cout << r << " " << e << "\n";
}
