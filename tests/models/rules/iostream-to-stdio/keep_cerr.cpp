#include <iostream>
using namespace std;

int main() {
    int n;
    cin >> n;
    cerr << "debug " << n << endl;
    cout << n * 2 << endl;
}
